from django.utils.translation import get_language


def content_language() -> str:
    """The language content is written in for this request: Kazakh on Kazakh pages, else Russian.

    Guides, answers and appeals exist in ru and kk only; English pages show the Russian text.
    """
    return "kk" if (get_language() or "ru").startswith("kk") else "ru"
