from xuncha.reports.rendering import compare, render


def test_headings_lists_and_bold_render():
    html = render("# 一、基本情况\n\n正文**重点**内容\n\n- 甲\n- 乙\n\n1. 第一\n2. 第二")
    assert "<h2>一、基本情况</h2>" in html
    assert "<strong>重点</strong>" in html
    assert "<ul>\n<li>甲</li>\n<li>乙</li>\n</ul>" in html
    assert "<ol>" in html and "<li>第二</li>" in html


def test_html_and_scripts_are_escaped():
    html = render("<script>alert(1)</script>\n# <img src=x onerror=alert(1)>")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_compare_marks_removed_and_added_lines():
    html = compare("甲\n乙", "甲\n丙")
    assert 'class="diff-del"' in html and "乙" in html
    assert 'class="diff-ins"' in html and "丙" in html
