"""Changed lines from a unified diff (the added lines of each new file) or a {path: [lines]}
mapping; anything else is refused with a reason and, for a diff, the line at fault."""

from __future__ import annotations

import pytest

from tmse.devops.quality_gates import diff
from tmse.devops.quality_gates.diff import (
    DiffError,
    changed_lines_from_diff,
    changed_lines_from_mapping,
)

GIT_DIFF = """\
diff --git a/src/app.py b/src/app.py
index 83db48f..bf269f4 100644
--- a/src/app.py
+++ b/src/app.py
@@ -1,4 +1,5 @@
 import os
-import sys
+import sys  # noqa
+import re

 def main():
@@ -20,3 +21,3 @@ def helper():
     a = 1
---- b = 2
+++++ b = 3
     return a
\\ No newline at end of file
diff --git a/old.py b/old.py
deleted file mode 100644
--- a/old.py
+++ /dev/null
@@ -1,2 +0,0 @@
-x = 1
-y = 2
diff --git a/docs/new.md b/docs/new.md
new file mode 100644
--- /dev/null
+++ b/docs/new.md
@@ -0,0 +1,2 @@
+# Title
+text
"""


def test_added_lines_of_each_new_file_are_the_changed_lines():
    # First hunk: new lines 1 (context), 2 and 3 added, 4 blank context, 5 context.
    # Second hunk starts at new line 21: context 21, "--- b = 2" removed, "++++ b = 3" added
    # as 22, context 23. The deleted file adds nothing; the new file adds 1 and 2.
    assert changed_lines_from_diff(GIT_DIFF) == {"src/app.py": {2, 3, 22}, "docs/new.md": {1, 2}}


def test_a_diff_with_only_removals_changes_no_lines():
    text = "--- a/x.py\n+++ b/x.py\n@@ -3,2 +3,1 @@\n keep\n-gone\n"
    assert changed_lines_from_diff(text) == {}


@pytest.mark.parametrize(
    ("text", "reason", "line"),
    [
        ("just some text\n", diff.NOT_A_DIFF, None),
        ("@@ -1 +1 @@\n+x\n", diff.HUNK_OUTSIDE_FILE, 1),
        ("+++ b/x.py\n@@ -1 +one @@\n", diff.BAD_HUNK, 2),
        ("+++ b/x.py\n@@ -1,1 +1,3 @@\n+a\n", diff.HUNK_TOO_SHORT, None),
        ("+++ b/x.py\n@@ -1,1 +1,1 @@\n+a\n+b\n", diff.HUNK_TOO_LONG, 4),
        ("+++ b/x.py\n@@ -1,2 +1,2 @@\n+a\n*b\n", diff.HUNK_TOO_SHORT, 4),
        ("+++ b/\x01.py\n", diff.BAD_PATH, 1),
    ],
)
def test_a_malformed_diff_is_refused_with_the_line_at_fault(text, reason, line):
    with pytest.raises(DiffError) as caught:
        changed_lines_from_diff(text)
    assert (caught.value.text, caught.value.line) == (reason, line)


def test_a_mapping_is_checked_path_by_path():
    assert changed_lines_from_mapping({"a.py": [3, 1, 3], "b.py": []}) == {"a.py": {1, 3}}
    for data, reason in [
        ([1, 2], diff.NOT_AN_OBJECT),
        ({"a.py": 3}, diff.NOT_A_LIST),
        ({"a.py": [0]}, diff.BAD_LINE),
        ({"a.py": [True]}, diff.BAD_LINE),
        ({"a.py": [1.5]}, diff.BAD_LINE),
        ({"a.py": [10**20]}, diff.BAD_LINE),
        ({"": [1]}, diff.BAD_PATH),
        ({"a\nb": [1]}, diff.BAD_PATH),
    ]:
        with pytest.raises(DiffError) as caught:
            changed_lines_from_mapping(data)
        assert caught.value.text == reason, data


def test_too_many_changed_lines_are_refused():
    hunk = "+x\n" * (diff.MAX_LINES + 1)
    text = f"+++ b/x.py\n@@ -0,0 +1,{diff.MAX_LINES + 1} @@\n{hunk}"
    with pytest.raises(DiffError) as caught:
        changed_lines_from_diff(text)
    assert caught.value.text == diff.TOO_MANY_LINES
