// The staff workspace: a response template fills the answer, which the specialist then edits.
function oaTemplatePicker() {
  const picker = document.getElementById("oa-template");
  if (!picker) return;
  picker.addEventListener("change", () => {
    const option = picker.selectedOptions[0];
    if (!option || !option.value) return;
    const answer = document.getElementById(picker.dataset.fills);
    if (answer.value.trim() && !window.confirm(picker.dataset.confirm)) return;
    answer.value = option.dataset.text;
    const outcome = answer.form.querySelector("select[name$=outcome]");
    if (outcome && option.dataset.outcome) outcome.value = option.dataset.outcome;
    answer.focus();
  });
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", oaTemplatePicker);
else oaTemplatePicker();
