"""The check an answer passes before it goes out (issue 7): the specialist sees what is missing.

Rules, each a plain function of the draft:
- it is written in the appeal's language (Kazakh letters in a Kazakh answer, none to speak of in a Russian one);
- it is not a response template sent unedited, and no [placeholder] is left in it;
- a refusal or "not within competence" cites its legal basis (an article, a law, a code, an order);
- files it says are attached are attached.
The outcome itself is a required field of the answer.
"""

import re

from django.utils.translation import gettext as _

KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
PLACEHOLDER = re.compile(r"\[[^\]]{1,80}\]")
LEGAL_BASIS = re.compile(
    r"(стать|ст\.\s*\d|закон|кодекс|приказ|постановлени|пункт|п\.\s*\d|"  # ru
    r"бап|заң|кодекс|бұйрық|қаулы|тармақ)",  # kk
    re.IGNORECASE,
)
MENTIONS_FILES = re.compile(
    r"(прилага|приложени|во вложении|в приложении|см\. файл|qosa|қоса бер|қосымша|тіркелген файл)", re.IGNORECASE
)
REFUSALS = {"declined", "not_competent"}


def _normalized(text: str) -> str:
    return " ".join(text.split()).casefold()


def looks_kazakh(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    return sum(ch in KAZAKH_LETTERS for ch in letters) / len(letters) >= 0.02


def answer_problems(*, appeal, text: str, outcome: str, attachments=()) -> list[str]:
    """What keeps this draft from going out; an empty list when it is ready."""
    from appeals.models import ResponseTemplate

    problems = []
    if appeal.language == "kk" and not looks_kazakh(text):
        problems.append(_("The appeal is in Kazakh: the answer must be in Kazakh too."))
    elif appeal.language == "ru" and looks_kazakh(text):
        problems.append(_("The appeal is in Russian: the answer must be in Russian too."))
    if PLACEHOLDER.search(text):
        problems.append(_("Fill in the [bracketed] parts of the template."))
    elif appeal.department_id and _normalized(text) in {
        _normalized(t) for t in ResponseTemplate.objects.filter(department_id=appeal.department_id)
        .values_list("text", flat=True)
    }:  # fmt: skip
        problems.append(_("This is the template as it is: answer this citizen's question."))
    if outcome in REFUSALS and not LEGAL_BASIS.search(text):
        problems.append(_("A refusal must cite its legal basis (the article of the law or the regulation)."))
    if MENTIONS_FILES.search(text) and not list(attachments):
        problems.append(_("The answer mentions attached files, but none is attached."))
    return problems
