"""A request's kind of Python work with the standard library only, so that any interpreter can run it: objects
with many attributes built from keyword arguments, SQL text assembled from their fields, JSON in and out,
a regular expression, deep copies of small objects, string formatting, dates and decimals.

`python bench/interpreter_workload.py [ROUNDS]` (run by bench.interpreter, under callgrind and under a clock).
"""

import copy
import datetime
import decimal
import json
import re
import string
import sys

PHONE = re.compile(r"^\+7[0-9]{10}$")
MESSAGE = string.Template("Appeal $number registered, answer due by $due")


class Field:
    def __init__(self, name: str, **options) -> None:
        self.name, self.options = name, options

    def clean(self, value) -> str:
        return str(value).strip()


class Row:
    fields = [Field(f"f{i}", max_length=i + 1) for i in range(20)]

    def __init__(self, **values) -> None:
        for field in self.fields:
            setattr(self, field.name, field.clean(values.get(field.name, "")))

    def insert(self) -> tuple[str, list]:
        columns = ", ".join(f'"{field.name}"' for field in self.fields)
        placeholders = ", ".join(["%s"] * len(self.fields))
        text = f"INSERT INTO t ({columns}) VALUES ({placeholders})"  # noqa: S608 (text only, never run)
        return text, [getattr(self, field.name) for field in self.fields]


def work(rounds: int) -> int:
    checksum = 0
    for n in range(rounds):
        row = Row(**{f"f{i}": f" value {n} {i} " for i in range(20)})
        sql, params = row.insert()
        checksum += len(json.loads(json.dumps({"sql": sql, "params": params, "n": n}))["params"])
        checksum += len(copy.deepcopy(Row.fields[:5]))
        checksum += bool(PHONE.match(f"+7701{n:07d}"))
        due = datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 365)
        checksum += len(MESSAGE.substitute(number=f"OA-2026-{n:06d}", due=due.strftime("%d.%m.%Y")))
        checksum += int(sum(decimal.Decimal(i) / 3 for i in range(5)))
    return checksum


if __name__ == "__main__":
    print(work(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
