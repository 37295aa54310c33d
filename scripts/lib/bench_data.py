#!/usr/bin/env python3
"""Writes the benchmark's consultations in the exchange format (docs/import-format.md):
`bench-0`, `bench-500` and `bench-5000`, each with 20 clauses, open now, and that many
contributions (about a third of them replies), in Arabic and English of mixed length.
Deterministic: the same file every run.

    python3 scripts/lib/bench_data.py > bench.json && shura import bench.json
"""

import datetime
import json
import random
import sys

AR_WORDS = (
    "المشاركة الإلكترونية الجهات الحكومية المواطنين الملاحظات المسودة السياسة البيانات "
    "المفتوحة الخصوصية حماية النشر الشفافية التشاور الرد المقترحات المعنية التطبيق "
    "الخدمات الرقمية الوصول ذوي الإعاقة اللغة العربية الموقع الإلكتروني المدة الزمنية "
    "اقترح أن تُضاف مادة توضح كيفية تعامل الجهة مع ملاحظات المشاركين ونشر ردودها "
    "ونرى ضرورة تحديد مهلة للرد على كل مشاركة مع ذكر الأسباب عند عدم الأخذ بها"
).split()
EN_WORDS = (
    "the agency should publish every response within thirty days and explain why a "
    "suggestion was not adopted citizens need clear timelines accessible formats plain "
    "language open data licence privacy of participants workshop minutes consultation "
    "draft clause policy feedback transparency mobile access Arabic English municipality"
).split()
NAMES = [
    "نورة العتيبي", "محمد الشمري", "فاطمة الزهراني", "عبدالله القحطاني", "سارة الحربي",
    "Omar Haddad", "Layla Mansour", "James Carter", "Aisha Rahman", "Khalid Al-Mansoori",
]
ORGS = [("جمعية حماية المستهلك", "ngo"), ("Gulf Data Institute", "academic"),
        ("شركة الحلول الرقمية", "company")]
CHANNELS = ["online"] * 7 + ["workshop", "email", "letter"]


def sentence(rng, words, n):
    return " ".join(rng.choice(words) for _ in range(n))


def body(rng):
    words = AR_WORDS if rng.random() < 0.7 else EN_WORDS
    paragraphs = [sentence(rng, words, rng.randint(12, 60)) + "."
                  for _ in range(rng.choice([1, 1, 1, 2, 3]))]
    return "\n\n".join(paragraphs)


def consultation(n_contributions, now):
    rng = random.Random(n_contributions)
    clauses = [{"key": "general", "kind": "heading", "level": 2,
                "text": {"ar": "أحكام عامة", "en": "General provisions"}}]
    for i in range(1, 20):
        clauses.append({
            "key": f"clause-{i}", "kind": "clause",
            "text": {"ar": sentence(rng, AR_WORDS, rng.randint(20, 50)) + ".",
                     "en": sentence(rng, EN_WORDS, rng.randint(20, 50)) + "."},
        })
    opens = now - datetime.timedelta(days=10)
    contributions = []
    for i in range(n_contributions):
        c = {
            "id": f"bench-{i}",
            "version": 1,
            "author": rng.choice(NAMES),
            "channel": rng.choice(CHANNELS),
            "created_at": (opens + datetime.timedelta(minutes=i * 2 + 1)).isoformat(),
            "body": body(rng),
        }
        if i > 0 and rng.random() < 0.33:
            c["in_reply_to"] = f"bench-{rng.randrange(max(0, i - 50), i)}"
        elif rng.random() < 0.6:
            c["clause"] = f"clause-{rng.randint(1, 19)}"
        if rng.random() < 0.1:
            name, kind = rng.choice(ORGS)
            c["on_behalf_of"] = {"name": name, "kind": kind}
        contributions.append(c)
    return {
        "slug": f"bench-{n_contributions}",
        "agency": "bench-agency",
        "title": {"ar": f"مسودة للقياس ({n_contributions} مشاركة)",
                  "en": f"Benchmark draft ({n_contributions} contributions)"},
        "summary": {"ar": sentence(rng, AR_WORDS, 30), "en": sentence(rng, EN_WORDS, 30)},
        "status": "open",
        "opens_at": opens.isoformat(),
        "closes_at": (now + datetime.timedelta(days=30)).isoformat(),
        "versions": [{"number": 1, "published_at": opens.isoformat(), "change_note": None,
                      "clauses": clauses}],
        "contributions": contributions,
    }


def main():
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    sizes = [int(a) for a in sys.argv[1:]] or [0, 500, 5000]
    doc = {
        "format": "shura/1",
        "agencies": [{"slug": "bench-agency",
                      "name": {"ar": "جهة القياس", "en": "Benchmark Agency"},
                      "time_zone": "Asia/Riyadh", "website": None}],
        "consultations": [consultation(n, now) for n in sizes],
    }
    json.dump(doc, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
