"""An empty choice in any select reads as a word ("Not chosen"), never as Django's
"---------": the option template of ladoga.web serves every form."""

import pytest
from django import forms
from django.utils import translation

from ladoga.accounts.models import User
from ladoga.accounts.services import user_language_set


class ManagerForm(forms.Form):
    manager = forms.ModelChoiceField(queryset=User.objects.all(), required=False)


@pytest.mark.parametrize("language, word", [("en", "Not chosen"), ("ru", "Не выбрано")])
def test_an_optional_choice_reads_as_a_word(actors, language, word):
    with translation.override(language):
        html = str(ManagerForm()["manager"])

    assert f'<option value="" selected>{word}</option>' in html
    assert "---------" not in html
    # the other options keep their labels
    assert f">{actors['owner']}</option>" in html


class KindForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "---------"), ("x", "--------- x")])


def test_a_label_that_merely_contains_dashes_is_kept():
    html = str(KindForm()["kind"])

    assert ">Not chosen</option>" in html
    assert ">--------- x</option>" in html


def test_the_manager_comparison_filters_have_no_dashes(actors, browser_as):
    user_language_set(user=actors["head"], language="ru")

    page = browser_as("head").get("/reports/manager-comparison/").content.decode()

    assert "---------" not in page
    assert "Не выбрано" in page
