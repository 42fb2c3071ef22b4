from articles.rich_text import render_markdown


def test_markdown_is_rendered_and_sanitised():
    html = render_markdown(
        "Tap **Continue**.\n\n<script>alert(1)</script> [x](javascript:alert(1)) <img src=x "
        "onerror=alert(1)>"
    )
    assert "<strong>Continue</strong>" in html
    assert "<script" not in html and "<img" not in html and "javascript:" not in html
    assert "&lt;script&gt;" in html  # shown as text, not run


def test_device_prompts_survive():
    html = render_markdown("The card shows `PIN>` and then CHALLNG>.")
    assert "<code>PIN&gt;</code>" in html and "CHALLNG&gt;" in html


def test_kb_numbers_become_links_but_not_inside_words():
    html = render_markdown("See KB70, not XKB70 or /KB71.")
    assert html.count("<a ") == 1 and 'href="/__kb__/KB70/"' in html
