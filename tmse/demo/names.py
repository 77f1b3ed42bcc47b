"""Believable names: Chinese (pinyin usernames) and English, drawn from a seeded generator."""

from __future__ import annotations

import random
from dataclasses import dataclass

# Common surnames with their pinyin, most common first (so random.choices can weight them).
# fmt: off
SURNAMES: tuple[tuple[str, str], ...] = (
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
    ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"),
    ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("高", "gao"),
    ("林", "lin"), ("罗", "luo"), ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"),
    ("唐", "tang"), ("许", "xu"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"),
    ("彭", "peng"), ("曾", "zeng"), ("肖", "xiao"), ("田", "tian"), ("董", "dong"), ("袁", "yuan"),
    ("潘", "pan"), ("于", "yu"), ("蒋", "jiang"), ("蔡", "cai"), ("余", "yu"), ("杜", "du"),
    ("叶", "ye"), ("程", "cheng"), ("苏", "su"), ("魏", "wei"), ("吕", "lv"), ("丁", "ding"),
    ("任", "ren"), ("沈", "shen"),
)
GIVEN_NAMES: tuple[tuple[str, str], ...] = (
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"),
    ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"), ("艳", "yan"),
    ("杰", "jie"), ("娟", "juan"), ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("霞", "xia"),
    ("平", "ping"), ("刚", "gang"), ("鹏", "peng"), ("辉", "hui"), ("玲", "ling"), ("斌", "bin"),
    ("秀英", "xiuying"), ("桂英", "guiying"), ("浩然", "haoran"), ("子涵", "zihan"),
    ("宇轩", "yuxuan"), ("欣怡", "xinyi"), ("梓萱", "zixuan"), ("思远", "siyuan"),
    ("嘉怡", "jiayi"), ("俊杰", "junjie"), ("志强", "zhiqiang"), ("晓东", "xiaodong"),
    ("海燕", "haiyan"), ("建华", "jianhua"), ("文博", "wenbo"), ("一鸣", "yiming"),
    ("雨桐", "yutong"), ("晨曦", "chenxi"), ("天佑", "tianyou"), ("诗涵", "shihan"),
    ("国庆", "guoqing"), ("晓明", "xiaoming"), ("丹", "dan"), ("琳", "lin"), ("博", "bo"),
    ("昊", "hao"), ("婷", "ting"), ("雪", "xue"), ("凯", "kai"), ("宁", "ning"), ("佳", "jia"),
    ("慧", "hui"), ("亮", "liang"), ("帆", "fan"), ("悦", "yue"), ("立新", "lixin"),
)
FIRST_NAMES: tuple[str, ...] = (
    "James", "Emma", "Olivia", "Liam", "Noah", "Sophia", "Lucas", "Mia", "Ethan", "Ava", "Daniel",
    "Grace", "Oliver", "Chloe", "Henry", "Isabella", "Jack", "Emily", "Samuel", "Hannah", "David",
    "Sarah", "Michael", "Laura", "Thomas", "Anna", "Kevin", "Linda", "Eric", "Cindy", "Jason",
    "Vivian", "Tony", "Helen", "Peter", "Amy", "Frank", "Alice", "Leo", "Nina",
)
LAST_NAMES: tuple[str, ...] = (
    "Smith", "Johnson", "Brown", "Taylor", "Miller", "Wilson", "Moore", "Anderson", "Thomas",
    "Jackson", "White", "Harris", "Martin", "Thompson", "Garcia", "Martinez", "Clark", "Lewis",
    "Walker", "Hall", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson",
    "Müller", "Schmidt", "Dubois", "Rossi", "Novak", "Kowalski", "Tanaka", "Kim", "Singh",
)
# fmt: on
# Surname weights follow their order: the common ones are far more common.
_SURNAME_WEIGHTS = [1.0 / (rank + 4) for rank in range(len(SURNAMES))]


@dataclass(frozen=True)
class PersonName:
    username: str
    display_name: str


class NameSource:
    """Unique usernames with display names: mostly Chinese, some English, some both
    (a Chinese colleague's English name); a clash gets a number, as IT departments do."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()

    def reserve(self, username: str) -> None:
        self.taken.add(username)

    def person(self) -> PersonName:
        draw = self.rng.random()
        if draw < 0.66:
            (surname, surname_py), (given, given_py) = self._chinese()
            return self._unique(surname_py + given_py, surname + given)
        if draw < 0.86:
            (surname, surname_py), (given, _) = self._chinese()
            first = self.rng.choice(FIRST_NAMES)
            return self._unique(
                f"{first.lower()}.{surname_py}",
                f"{first} {surname_py.capitalize()} ({surname}{given})",
            )
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        ascii_last = last.replace("ü", "ue")
        return self._unique(f"{first}.{ascii_last}".lower(), f"{first} {last}")

    def _chinese(self) -> tuple[tuple[str, str], tuple[str, str]]:
        surname = self.rng.choices(SURNAMES, _SURNAME_WEIGHTS)[0]
        return surname, self.rng.choice(GIVEN_NAMES)

    def _unique(self, username: str, display_name: str) -> PersonName:
        candidate, number = username, 1
        while candidate in self.taken:
            number += 1
            candidate = f"{username}{number}"
        self.taken.add(candidate)
        return PersonName(candidate, display_name)
