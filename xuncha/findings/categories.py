"""The default problem categories: the "three focuses" (三个聚焦) of political inspection, each with
its sub-categories. Committees edit the dictionary; these are only the starting point."""

from __future__ import annotations

DEFAULT_CATEGORIES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("01", "党的领导", (
        ("0101", "贯彻落实党中央决策部署"),
        ("0102", "履行职能责任"),
        ("0103", "意识形态工作"),
        ("0104", "服务群众和优化营商环境"),
    )),
    ("02", "党的建设", (
        ("0201", "政治建设"),
        ("0202", "思想建设"),
        ("0203", "组织建设"),
        ("0204", "作风建设"),
        ("0205", "纪律建设"),
        ("0206", "制度建设"),
    )),
    ("03", "全面从严治党", (
        ("0301", "主体责任"),
        ("0302", "监督责任"),
        ("0303", "群众身边腐败和不正之风"),
        ("0304", "选人用人"),
        ("0305", "巡视巡察和审计整改"),
    )),
)


def ensure_default_categories(category_model: type) -> int:
    """Creates the default dictionary where it is missing; returns how many rows were added."""
    added = 0
    for i, (code, name, subs) in enumerate(DEFAULT_CATEGORIES):
        parent, created = category_model.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": i}
        )
        added += int(created)
        for j, (sub_code, sub_name) in enumerate(subs):
            _obj, created = category_model.objects.get_or_create(
                code=sub_code, defaults={"name": sub_name, "parent": parent, "sort_order": j}
            )
            added += int(created)
    return added
