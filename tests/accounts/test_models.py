import pytest
from django.contrib.auth import authenticate, get_user_model
from django.db import IntegrityError

User = get_user_model()


def test_create_user_lowercases_email_and_hashes_password(make_user, password):
    user = make_user(email="  Ada.Lovelace@Example.COM ")
    assert user.email == "ada.lovelace@example.com"
    assert user.password != password
    assert user.check_password(password)
    assert not user.is_staff
    assert not user.is_superuser
    assert user.is_active


def test_create_user_requires_an_email(db):
    with pytest.raises(ValueError, match="email"):
        User.objects.create_user(email="", password="x")


def test_create_superuser_sets_flags(db):
    admin = User.objects.create_superuser(email="Root@Example.com", password="pw-12345678")
    assert admin.is_staff
    assert admin.is_superuser
    assert admin.email == "root@example.com"


def test_create_superuser_refuses_non_staff(db):
    with pytest.raises(ValueError):
        User.objects.create_superuser(email="root@example.com", password="x", is_staff=False)


def test_user_has_no_username_and_logs_in_by_email():
    assert User.USERNAME_FIELD == "email"
    assert not any(field.name == "username" for field in User._meta.get_fields())


@pytest.mark.parametrize("typed", ["ada@example.com", "ADA@Example.com", " ada@example.com "])
def test_authenticate_by_email_in_any_letter_case(user, password, typed):
    assert authenticate(email=typed, password=password) == user


def test_authenticate_rejects_wrong_password_and_inactive_users(make_user, password):
    user = make_user()
    assert authenticate(email=user.email, password="wrong") is None
    user.is_active = False
    user.save()
    assert authenticate(email=user.email, password=password) is None


def test_database_refuses_emails_that_differ_only_in_case(user):
    # Bypass the manager's normalisation to prove the constraint itself holds.
    with pytest.raises(IntegrityError):
        User.objects.bulk_create([User(email="ADA@example.com")])


def test_display_name_falls_back_to_the_email_local_part(make_user):
    assert make_user(name="").display_name == "ada"
    assert make_user(email="grace@example.com", name="Grace Hopper").display_name == "Grace Hopper"
    assert str(User(email="x@example.com", name="X")) == "X"
