from django import template

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
