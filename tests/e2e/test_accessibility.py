"""Every kind of public page, in English and Arabic, passes axe-core with no violation of impact
"serious" or "critical", and a keyboard user can see where the focus is."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import PAGES

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

BLOCKING_IMPACTS = {"serious", "critical"}
AXE = Axe()


def blocking_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the open page, one readable line each."""
    results = AXE.run(page)
    lines = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in BLOCKING_IMPACTS:
            continue
        targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{len(violation['nodes'])} element(s), e.g. {' | '.join(targets)}]"
        )
    return lines


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_page_has_no_serious_or_critical_axe_violation(web, content, language):
    problems = []
    for name in PAGES:
        path = content.path(name, language)
        response = web.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        assert web.locator("html").get_attribute("lang") == language
        assert web.locator("h1").first.is_visible(), path
        problems += [f"{path}: {line}" for line in blocking_violations(web)]
    assert not problems, "axe-core found serious/critical violations:\n" + "\n".join(problems)


FOCUS_STYLE = """element => {
  const style = getComputedStyle(element);
  const rect = element.getBoundingClientRect();
  return {
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    boxShadow: style.boxShadow,
    inViewport: rect.width > 1 && rect.height > 1 && rect.top >= 0 && rect.left >= 0
      && rect.bottom <= innerHeight && rect.right <= innerWidth,
  };
}"""


def assert_focus_is_visible(page, description):
    focused = page.locator(":focus")
    assert focused.count() == 1, f"nothing focused ({description})"
    style = focused.evaluate(FOCUS_STYLE)
    has_outline = style["outlineStyle"] != "none" and style["outlineWidth"] > 0
    has_shadow = style["boxShadow"] not in ("", "none")
    assert has_outline or has_shadow, f"{description} shows no focus indicator: {style}"
    assert style["inViewport"], f"{description} is focused but not on screen: {style}"


def test_keyboard_focus_on_links_is_visible_and_skip_link_reaches_main(web, content):
    for language in ("en", "ar"):
        web.goto(content.path("topic", language))

        web.keyboard.press("Tab")
        skip_link = web.locator(".skip-link")
        assert skip_link.evaluate("element => element === document.activeElement"), language
        assert_focus_is_visible(web, f"the skip link ({language})")

        web.keyboard.press("Enter")
        assert web.evaluate("document.activeElement.id") == "main"

        web.keyboard.press("Tab")
        focused = web.locator(":focus")
        assert focused.evaluate("element => element.tagName") == "A"
        assert focused.evaluate("element => element.closest('main') !== null")
        assert_focus_is_visible(web, f"the first link in the main content ({language})")
