import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from agencies.enums import EntityType, MemberRole
from agencies.models import Industry, Organisation, OrganisationMembership


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")
    preferred_language = "en"

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            from allauth.account.models import EmailAddress

            obj.save()
            EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Training Institute {n}")
    name_en = factory.SelfAttribute("name")
    name_zh_hant = factory.Sequence(lambda n: f"培訓學院{n}")
    name_zh_hans = factory.Sequence(lambda n: f"培训学院{n}")
    entity_type = EntityType.EDUCATION
    registration_number = factory.Sequence(lambda n: f"BR-{n:08d}")
    is_charity = True
    charity_file_number = factory.Sequence(lambda n: f"91/{n:05d}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = OrganisationMembership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = MemberRole.OWNER


class IndustryFactory(DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"industry-{n}")
    name = factory.Sequence(lambda n: f"Industry {n}")
    name_en = factory.SelfAttribute("name")
    name_zh_hant = factory.Sequence(lambda n: f"行業{n}")
    name_zh_hans = factory.Sequence(lambda n: f"行业{n}")
