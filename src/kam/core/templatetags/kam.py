from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from kam.core.money import format_money

register = template.Library()


@register.filter
def money(amount, currency: str = "") -> str:
    """{{ invoice.total_amount|money:invoice.currency }} → 1.234.567 ₫"""
    return format_money(amount, currency)


@register.filter
def get_item(mapping: dict, key: str):
    """{{ row.values|get_item:key }}: a dict's value under a variable key ("" if missing)."""
    return mapping.get(key, "")


@register.simple_tag
def options(choices, selected=None) -> str:
    """{% options choices filters.client %}: an <option> per (value, label), `selected` marked.
    Built here rather than by a template loop: a filter of every client Finance sees (3,000
    and more on a large book) took the loop 100 ms, most of the page."""
    # Safe: every value and label goes through escape().
    return mark_safe(  # noqa: S308
        "".join(
            f'<option value="{escape(value)}"{" selected" if value == selected else ""}>'
            f"{escape(label)}</option>"
            for value, label in choices
        )
    )
