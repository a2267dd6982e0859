"""The catalogue (S1): products, price types derived by a percentage, prices on a date."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ladoga.core.errors import Conflict, ValidationFailed
from ladoga.sales import pricing, services
from ladoga.sales.errors import Forbidden
from ladoga.sales.errors import SalesCode as C
from ladoga.sales.models import Price, PriceType, Product

JAN, MAR, JUN = datetime.date(2026, 1, 1), datetime.date(2026, 3, 1), datetime.date(2026, 6, 1)


@pytest.fixture
def cement(base_price_type):
    product = services.product_create(code="C-1", name="Cement")
    services.price_set(
        product=product, price_type=base_price_type, effective_from=JAN, amount=D("100")
    )
    services.price_set(
        product=product, price_type=base_price_type, effective_from=JUN, amount=D("120")
    )
    return product


@pytest.mark.parametrize(
    "on, price",
    [
        (datetime.date(2025, 12, 31), None),  # before the first price
        (JAN, D("100.00")),
        (datetime.date(2026, 5, 31), D("100.00")),
        (JUN, D("120.00")),
        (datetime.date(2027, 1, 1), D("120.00")),
    ],
)
def test_the_price_on_a_date_is_the_latest_not_after_it(cement, base_price_type, on, price):
    assert pricing.price_on(product=cement, price_type=base_price_type, on=on) == price


def test_derived_price_types_follow_their_base(cement, base_price_type):
    wholesale = services.price_type_create(name="Wholesale", base=base_price_type, percent=D("-10"))
    dealer = services.price_type_create(name="Dealer", base=wholesale, percent=D("-5"))

    assert pricing.price_on(product=cement, price_type=wholesale, on=MAR) == D("90.00")
    assert pricing.price_on(product=cement, price_type=dealer, on=MAR) == D("85.50")
    assert pricing.price_on(product=cement, price_type=dealer, on=JUN) == D("102.60")


def test_prices_of_many_products_in_one_or_two_queries(base_price_type):
    ids = []
    for i in range(30):
        product = services.product_create(code=f"M-{i}", name=f"Item {i}")
        services.price_set(
            product=product, price_type=base_price_type, effective_from=JAN, amount=D(i)
        )
        ids.append(product.pk)
    derived = services.price_type_create(name="Dealer", base=base_price_type, percent=D("-10"))
    with CaptureQueriesContext(connection) as queries:
        found = pricing.prices_on(price_type=base_price_type, product_ids=ids, on=MAR)
    assert len(queries) == 1
    assert found[ids[7]] == D("7.00")
    with CaptureQueriesContext(connection) as queries:
        found = pricing.prices_on(price_type=derived, product_ids=ids, on=MAR)
    assert len(queries) == 2
    assert found[ids[10]] == D("9.00")


def test_setting_a_price_for_the_same_date_replaces_it(cement, base_price_type):
    services.price_set(
        product=cement, price_type=base_price_type, effective_from=JAN, amount=D("99")
    )
    assert Price.objects.filter(product=cement, effective_from=JAN).get().amount == D("99")


def test_a_negative_price_is_refused(cement, base_price_type):
    with pytest.raises(ValidationFailed) as error:
        services.price_set(
            product=cement, price_type=base_price_type, effective_from=MAR, amount=D("-1")
        )
    assert error.value.codes == [C.PRICE_NEGATIVE]
    assert Price.objects.filter(product=cement).count() == 2


def test_a_derived_price_type_takes_no_prices_of_its_own(cement, base_price_type):
    derived = services.price_type_create(name="Retail", base=base_price_type, percent=D("15"))
    with pytest.raises(ValidationFailed) as error:
        services.price_set(product=cement, price_type=derived, effective_from=MAR, amount=D("1"))
    assert error.value.codes == [C.PRICE_TYPE_DERIVED]
    assert not Price.objects.filter(price_type=derived).exists()


def test_a_price_type_derived_from_itself_is_refused(base_price_type):
    retail = services.price_type_create(name="Retail", base=base_price_type, percent=D("15"))
    empty = PriceType.objects.create(name="Loose")  # no prices of its own
    services.price_type_update(price_type=empty, expected_version=None, base=retail)

    for target, base in ((retail, retail), (base_price_type, empty)):
        target.refresh_from_db()
        version = target.version
        with pytest.raises(ValidationFailed) as error:
            services.price_type_update(price_type=target, expected_version=None, base=base)
        assert error.value.codes == [C.PRICE_TYPE_CYCLE]
        target.refresh_from_db()
        assert target.version == version


def test_product_codes_are_unique_ignoring_case(cement):
    with pytest.raises(Conflict) as error:
        services.product_create(code="c-1", name="Another")
    assert error.value.codes == [C.PRODUCT_CODE_TAKEN]
    assert Product.objects.count() == 1


@pytest.mark.parametrize("rate", ["-1", "100", "abc"])
def test_a_vat_rate_out_of_range_is_refused(db, rate):
    with pytest.raises(ValidationFailed) as error:
        services.product_create(code="X", name="X", vat_rate=rate)
    assert error.value.codes == [C.VAT_RATE_INVALID]
    assert not Product.objects.exists()


def test_a_manager_may_not_change_the_catalogue(owner, base_price_type):
    with pytest.raises(Forbidden) as error:
        services.product_create(code="X", name="X", by=owner)
    assert error.value.codes == [C.PERMISSION_DENIED]
    assert not Product.objects.exists()


def test_a_head_may_change_the_catalogue(actors):
    assert services.product_create(code="X", name="X", by=actors["head"]).pk
