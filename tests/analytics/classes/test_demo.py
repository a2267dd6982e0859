"""The classification of the demo data agrees with an independent recomputation in plain
Python over the raw shipment rows."""

import datetime
import statistics
from collections import defaultdict
from decimal import Decimal

from ladoga import demo
from ladoga.analytics.models import ClassificationRun, ClientClassification
from ladoga.sales.models import Shipment


def plain_classes(rows, months, a=80, b=15, x=10, y=25):
    """ABC by cumulative share (ties share the class of the first) and XYZ by the
    population standard deviation over the months, written again without the app's rules."""
    buckets = defaultdict(lambda: dict.fromkeys(months, Decimal("0")))
    for partner_id, day, total in rows:
        buckets[partner_id][day.replace(day=1)] += total
    revenue = {pk: sum(values.values()) for pk, values in buckets.items()}
    positive = sorted((v, pk) for pk, v in revenue.items() if v > 0)[::-1]
    total = sum(v for v, _pk in positive)
    found, running, last_value, last_class = {}, Decimal("0"), None, None
    for value, pk in positive:
        if value == last_value:
            found[pk] = last_class
        else:
            share = running / total * 100
            last_class = "A" if share < a else "B" if share < a + b else "C"
            found[pk] = last_class
        last_value = value
        running += value
    result = {}
    for pk, values in buckets.items():
        if revenue[pk] <= 0:
            result[pk] = "C"
            continue
        series = [float(v) for v in values.values()]
        cv = statistics.pstdev(series) / statistics.mean(series) * 100
        result[pk] = found[pk] + ("X" if cv <= x else "Y" if cv <= y else "Z")
    return result


def test_the_demo_classification_agrees_with_plain_python(db, settings, tmp_path):
    settings.HOME = tmp_path
    demo.demo_fill(size=12, seed=5, progress=False)

    run = ClassificationRun.objects.get()
    months = []
    month = run.period_start
    while month <= run.period_end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    rows = Shipment.objects.filter(
        date__gte=run.period_start, date__lte=run.period_end
    ).values_list("partner_id", "date", "total")

    expected = plain_classes(list(rows), months)
    stored = {row.partner_id: row.label for row in ClientClassification.objects.filter(run=run)}
    assert stored == expected
    labels = set(stored.values())
    assert len(stored) >= 5 and {"X", "Z"} <= {label[1:] for label in labels if len(label) == 2}
    assert Shipment.objects.filter(total__lt=0).exists()  # the demo has returns
