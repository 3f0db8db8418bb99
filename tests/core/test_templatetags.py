from django.template import Context, Template


def render(text: str, **context) -> str:
    return Template("{% load kam %}" + text).render(Context(context))


def test_options_mark_the_chosen_value_and_escape_every_label():
    choices = [(1, "Bình & Minh"), (2, '<script>"x"</script>')]
    assert render("{% options choices chosen %}", choices=choices, chosen=2) == (
        '<option value="1">Bình &amp; Minh</option>'
        '<option value="2" selected>&lt;script&gt;&quot;x&quot;&lt;/script&gt;</option>'
    )


def test_options_without_a_choice_mark_none():
    assert "selected" not in render("{% options choices None %}", choices=[(1, "A"), (2, "B")])
