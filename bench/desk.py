"""The clerk's desk at a million appeals and 500 000 citizens.

Keys (../shared/BENCHMARKS_FORMAT.md):
- desk.citizen_search: search-as-you-type server time, every keystroke of a phone, an IIN or a name typed as an
  operator types it; the baseline is the naive query (icontains / contains, no index) in the same run;
- desk.keystrokes_phone_appeal and desk.round_trips_phone_appeal: a typical phone appeal registered in Chromium
  with the keyboard only (phone_appeal below, which the browser test uses too), counted, with the full page
  loads (there must be none).

The citizens are generated once with COPY (idempotent: only the missing ones are added).
"""

import io
import random
import re
import time
from dataclasses import dataclass, field

from bench.appeals import ensure_appeals
from bench.harness import gunicorn, machine, now, percentiles, server_time_ms

CITIZENS = 500_000
WARMUP, SAMPLES = 40, 1500
BASELINE_SAMPLES = 40
EMAIL_DOMAIN = "bench.desk.invalid"  # marks the generated citizens (no real address ends so)

SURNAMES = ["Ахметов", "Омаров", "Сапаров", "Нурланов", "Жумабаев", "Сейткали", "Абенов", "Касымов", "Ибраимов",
            "Тулеуов", "Бекмуханов", "Есенов", "Калиев", "Мусин", "Оспанов", "Жакупов", "Ким", "Иванов", "Петров",
            "Смирнов", "Кузнецов", "Попов", "Ли", "Цой", "Пак", "Шевченко", "Бондаренко", "Ковальчук", "Мамыров",
            "Сулейменов", "Токаев", "Алиев", "Рахимов", "Исмаилов", "Юсупов", "Құрманғазы", "Әбілқасым", "Өтепов",
            "Ұлықбек", "Қожахмет", "Нұрғали", "Байжанов", "Дүйсенов", "Серікбаев", "Шәріпов", "Жақсылықов",
            "Әлиев", "Темірханов", "Болатов", "Ерланов", "Маратов", "Асқаров", "Бақытжанов", "Даулетов",
            "Ермеков", "Зейнуллин", "Ильясов", "Кенжебеков", "Лукпанов", "Мухамеджанов"]  # fmt: skip
FIRST = [("Айгерим", "f"), ("Ержан", "m"), ("Динара", "f"), ("Нурлан", "m"), ("Алия", "f"), ("Сергей", "m"),
         ("Ольга", "f"), ("Асель", "f"), ("Марат", "m"), ("Гульнара", "f"), ("Тимур", "m"), ("Жанна", "f"),
         ("Айдос", "m"), ("Мадина", "f"), ("Бауыржан", "m"), ("Әсел", "f"), ("Нұрсұлтан", "m"), ("Аружан", "f"),
         ("Дархан", "m"), ("Камила", "f"), ("Ерлан", "m"), ("Салтанат", "f"), ("Арман", "m"), ("Сания", "f"),
         ("Елена", "f"), ("Андрей", "m"), ("Наталья", "f"), ("Дмитрий", "m"), ("Айнур", "f"), ("Канат", "m"),
         ("Жансая", "f"), ("Бекзат", "m"), ("Томирис", "f"), ("Ильяс", "m"), ("Индира", "f"), ("Руслан", "m"),
         ("Мөлдір", "f"), ("Ақжол", "m"), ("Гүлнұр", "f"), ("Азамат", "m")]  # fmt: skip
PATRONYMIC = ["Серикович", "Маратович", "Ержанович", "Нурланович", "Болатович", "Канатович", "Сергеевич",
              "Александрович", "Бахытович", "Муратович", "", "", "", ""]  # fmt: skip
PREFIXES = ["701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "778"]
USER_COLUMNS = ["password", "is_superuser", "phone", "email", "full_name", "language", "phone_verified_at", "iin",
                "iin_verified_at", "notify_by_sms", "notify_by_email", "failed_logins", "is_staff", "is_active",
                "date_joined"]  # fmt: skip


def _iin(rnd: random.Random, sex: str) -> str:
    from accounts.iin import iin_check_digit

    while True:
        year = rnd.randrange(1940, 2008)
        prefix = f"{year % 100:02d}{rnd.randrange(1, 13):02d}{rnd.randrange(1, 29):02d}"
        prefix += str((3 if year < 2000 else 5) + (sex == "f")) + f"{rnd.randrange(10**4):04d}"
        check = iin_check_digit(prefix)
        if check is not None:
            return prefix + str(check)


def _feminine(surname: str, sex: str) -> str:
    if sex == "f" and surname.endswith(("ов", "ев", "ин")):
        return surname + "а"
    return surname


def ensure_citizens(total: int = CITIZENS) -> int:
    """Generated citizens up to `total` (COPY, once); a fifth of them use phones found in the appeals, so that
    they have earlier appeals; 60 % have an IIN, some checked. Returns how many were added."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_user WHERE email LIKE %s", [f"%@{EMAIL_DOMAIN}"])
        have = cursor.fetchone()[0]
        if have >= total:
            return 0
        cursor.execute("SELECT phone FROM accounts_user WHERE phone IS NOT NULL")
        taken = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT DISTINCT contact_phone FROM appeals_appeal WHERE contact_phone <> '' LIMIT %s",
                       [total // 5])  # fmt: skip
        from_appeals = [row[0] for row in cursor.fetchall() if row[0] not in taken]
    rnd = random.Random(have + 8)
    stamp = now()
    buffer = io.StringIO()
    checked_iins: set[str] = set()
    for i in range(have, total):
        if from_appeals:
            phone = from_appeals.pop()
        else:
            phone = f"+7{rnd.choice(PREFIXES)}{rnd.randrange(10**7):07d}"
            while phone in taken:
                phone = f"+7{rnd.choice(PREFIXES)}{rnd.randrange(10**7):07d}"
        taken.add(phone)
        first, sex = rnd.choice(FIRST)
        patronymic = rnd.choice(PATRONYMIC)
        if patronymic and sex == "f":
            patronymic = patronymic.removesuffix("ович").removesuffix("евич") + ("овна" if "ович" in patronymic
                                                                                  else "евна")  # fmt: skip
        name = " ".join(p for p in (_feminine(rnd.choice(SURNAMES), sex), first, patronymic) if p)
        iin = _iin(rnd, sex) if rnd.random() < 0.6 else ""
        iin_checked = "\\N"
        if iin and rnd.random() < 0.3 and iin not in checked_iins:
            checked_iins.add(iin)
            iin_checked = stamp
        verified = stamp if rnd.random() < 0.3 else "\\N"
        row = ["!" + "x" * 40, "f", phone, f"c{i}@{EMAIL_DOMAIN}", name, "ru", verified, iin, iin_checked, "t", "t",
               "0", "f", "t", stamp]  # fmt: skip
        buffer.write("\t".join(row) + "\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY accounts_user ({', '.join(USER_COLUMNS)}) FROM STDIN", buffer)
        cursor.execute("VACUUM ANALYZE accounts_user")
    return total - have


def _typed_queries(rnd: random.Random, people: list[tuple[str, str, str]], n: int) -> list[str]:
    """What the desk's search box holds after each keystroke, as operators type phones, IINs and names."""
    queries: list[str] = []
    while len(queries) < n:
        phone, iin, name = rnd.choice(people)
        how = rnd.random()
        if how < 0.5:  # the phone as people dictate it: 8 701 234 56 78
            typed = "8" + phone[2:]
        elif how < 0.65 and iin:
            typed = iin
        else:  # the surname, or the first name (a word inside the name)
            words = name.split()
            typed = words[0] if how < 0.85 else words[1]
        queries += [typed[:k] for k in range(3, len(typed) + 1)]
    return queries[:n]


def _naive(query: str) -> None:
    """The baseline: what a plain Django search would do (no index can serve it)."""
    from django.db.models import Q

    from accounts.models import User

    digits = re.sub(r"\D", "", query)
    condition = Q(full_name__icontains=query)
    if digits:
        condition |= Q(phone__contains=digits[1:]) | Q(iin__startswith=digits)
    list(User.objects.filter(condition).only("pk", "full_name", "phone")[:8])


def bench_search(base: str, cookie: dict, data: str) -> dict:
    from urllib.parse import quote

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone, iin, full_name FROM accounts_user WHERE email LIKE %s ORDER BY random() LIMIT 2000",
            [f"%@{EMAIL_DOMAIN}"],
        )
        people = cursor.fetchall()
    rnd = random.Random(11)
    url = base + "/desk/citizens/?q="
    for q in _typed_queries(rnd, people, WARMUP):
        server_time_ms(url + quote(q), cookie)
    samples = [server_time_ms(url + quote(q), cookie) for q in _typed_queries(rnd, people, SAMPLES)]
    baseline = []
    for q in _typed_queries(rnd, people, BASELINE_SAMPLES):
        started = time.perf_counter()
        _naive(q)
        baseline.append((time.perf_counter() - started) * 1000)
    return {
        "desk.citizen_search": {
            **percentiles(samples), "unit": "ms", "target": "p95 ≤ 30 ms",
            "what": "desk search-as-you-type (phone, IIN, name; every keystroke from the 3rd), server time, "
                    "1 gunicorn sync worker",
            "baseline": "icontains/contains without an index (SQL only)",
            "baseline_p95": percentiles(baseline)["p95"],
            "measured_at": now(), "machine": machine(), "data": data,
            "note": f"baseline p50 {percentiles(baseline)['p50']} ms over {len(baseline)} queries; the desk's "
                    "figure includes Django, the session and the JSON",
        }
    }  # fmt: skip


# --- Keystrokes and round trips in Chromium ---------------------------------------------------------------
@dataclass
class Counter:
    """The operator's keyboard and the page's trips to the server, counted."""

    page: object
    keys: int = 0
    requests: list = field(default_factory=list)
    loads: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("request", self._request)

    def _request(self, request) -> None:
        if request.resource_type in ("fetch", "xhr", "document"):
            self.requests.append((request.method, request.url))
        if request.resource_type == "document":  # a full page load (history.replaceState is not one)
            self.loads.append(request.url)

    def type(self, text: str, delay: int = 40) -> None:
        self.page.keyboard.type(text, delay=delay)
        self.keys += len(text)

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)
        self.keys += times

    def reset(self) -> None:
        self.keys, self.requests[:], self.loads[:] = 0, [], []

    def round_trips(self) -> dict:
        waited = [r for r in self.requests if r[0] == "POST" and "/draft/" not in r[1]]
        return {"waited": len(waited), "all": len(self.requests), "page_loads": len(self.loads)}


def phone_appeal(page, counter: Counter, *, phone: str, text: str, district: str, address: str,
                 new_name: str = "") -> str:  # fmt: skip
    """A phone appeal at the desk, keyboard only: the caller's number, the citizen (found, or created with
    `new_name`), the text, the topic suggested from it (Alt+S), the district (type-ahead), the address, Ctrl+Enter.
    Returns the number the desk shows. The page is at /desk/ with the focus in the search box."""
    from playwright.sync_api import expect

    registered = page.get_by_test_id("visit-appeal")
    counter.type(phone, delay=200)  # an operator's pace: the search runs as the digits come
    if new_name:
        expect(page.locator("#desk-none")).to_be_visible()
        counter.press("Enter")
        expect(page.locator("#id_full_name")).to_be_focused()
        counter.type(new_name)
        counter.press("Enter")
    else:
        expect(page.locator("#desk-results li").first).to_be_visible()
        counter.press("Enter")
    expect(page.locator("#id_text")).to_be_focused()
    counter.type(text, delay=15)
    expect(page.locator("[data-suggest-topic]")).to_be_visible()
    counter.press("Alt+S")
    expect(page.locator("#id_district")).to_be_focused()
    counter.type(district)
    counter.press("Tab")
    counter.type(address)
    counter.press("Control+Enter")
    expect(registered.last).to_be_visible()
    return re.search(r"OA-\d{4}-\d{6,}", registered.last.inner_text()).group(0)


def _session_cookie(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.PhoneOrEmailBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def bench_keystrokes(base: str, session_key: str, data: str) -> dict:
    from django.db import connection
    from playwright.sync_api import sync_playwright

    with connection.cursor() as cursor:  # a known caller: a citizen with earlier appeals
        cursor.execute(
            "SELECT u.phone FROM accounts_user u WHERE u.email LIKE %s AND EXISTS (SELECT 1 FROM appeals_appeal a"
            " WHERE a.contact_phone = u.phone) LIMIT 1", [f"%@{EMAIL_DOMAIN}"])  # fmt: skip
        known = cursor.fetchone()[0]
    text = "Автобус 92 не ходит с понедельника, на остановке Сайран люди ждут по часу, просим восстановить маршрут."
    figures = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(locale="ru-RU", timezone_id="Asia/Almaty")
        context.add_cookies([{"name": "sessionid", "value": session_key, "url": base}])
        page = context.new_page()
        for label, phone, new_name in (("known", "8" + known[2:], ""),
                                       ("new", f"8 747 {random.randrange(10**7):07d}", "Касымов Ерлан")):  # fmt: skip
            page.goto(base + "/desk/?kind=call")
            counter = Counter(page)
            started = time.monotonic()
            phone_appeal(page, counter, phone=phone, text=text, district="Алмал", address="ул. Толе би, 59",
                         new_name=new_name)  # fmt: skip
            figures[label] = {"keys": counter.keys, "seconds": time.monotonic() - started, **counter.round_trips()}
        browser.close()
    known, new = figures["known"], figures["new"]
    operator_s = known["keys"] / 5  # a desk operator types about 300 characters a minute
    common = {"measured_at": now(), "machine": machine(), "data": data, "n": 1}
    return {
        "desk.keystrokes_phone_appeal": {
            **common, "value": known["keys"], "unit": "keystrokes", "target": "report; ≤ 60 s of operator time",
            "what": f"keys pressed to register a phone appeal of a known caller (number, Enter, a {len(text)}-"
                    "character text, Alt+S, district, address, Ctrl+Enter), Chromium, keyboard only",
            "note": f"{known['keys']} keys ≈ {operator_s:.0f} s of typing at 5 keys/s, of which "
                    f"{len(text)} are the citizen's words; a new caller (name typed, citizen created): "
                    f"{new['keys']} keys. The text dominates: everything else is {known['keys'] - len(text)} keys.",
        },
        "desk.round_trips_phone_appeal": {
            **common, "value": known["waited"], "unit": "round-trips",
            "target": "no full page reload", "what": "requests the operator waits for (start the call, register) "
            "for the same phone appeal; background requests and page loads in the note",
            "note": f"{known['all']} requests in all (search as you type, topic and guide suggestions, the "
                    f"draft), {known['page_loads']} full page loads; a new caller: {new['waited']} waited, "
                    f"{new['all']} in all, {new['page_loads']} page loads",
        },
    }  # fmt: skip


def run(database_url: str, *, fresh: bool = False) -> dict[str, dict]:
    from accounts.models import User
    from appeals.desk import make_operator
    from appeals.models import Appeal

    ensure_appeals(database_url, fresh=fresh)
    added = ensure_citizens()
    print(f"  desk: {added} citizens generated", flush=True)
    operator = User.objects.filter(phone="+77019990500").first() or User.objects.create_user(
        phone="+77019990500", full_name="Бенчмарк Оператор"
    )  # signs in by the session below, never by a password
    make_operator(operator)
    citizens = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count()
    data = f"{Appeal.objects.count()} appeals, {citizens} citizens"
    session_key = _session_cookie(operator)
    results = {}
    with gunicorn(database_url) as base:
        results.update(bench_search(base, {"Cookie": f"sessionid={session_key}"}, data))
        results.update(bench_keystrokes(base, session_key, data))
    return results
