import pytest
from django.contrib.auth import get_user_model

PASSWORD = "correct-Horse-battery-9"


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def make_user(db):
    def make(email="ada@example.com", name="Ada Lovelace", password=PASSWORD, **extra):
        return get_user_model().objects.create_user(
            email=email, name=name, password=password, **extra
        )

    return make


@pytest.fixture
def user(make_user):
    return make_user()
