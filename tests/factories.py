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


def criteria_set_for(scheme_code: str = "rpl"):
    """The active criteria set of a scheme (load the reference data first: the `reference` fixture)."""
    from agencies.models import CriteriaSet

    return CriteriaSet.objects.filter(scheme__code=scheme_code, is_active=True).order_by("-version").first()


class ApplicationFactory(DjangoModelFactory):
    """An RPL application for a new industry. Pass state="submitted" etc. to start elsewhere.

    Needs the reference data (the `reference` fixture). With evidence=True every criterion gets a
    narrative.
    """

    class Meta:
        model = "applications.Application"
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    scheme = factory.LazyFunction(lambda: criteria_set_for("rpl").scheme)
    criteria_set = factory.LazyAttribute(lambda o: criteria_set_for(o.scheme.code))
    industry = factory.SubFactory(IndustryFactory)
    fee_policy = "HK$1,200 per assessment, reviewed yearly to recover costs only."
    created_by = factory.SubFactory(UserFactory)
    reference = factory.LazyAttributeSequence(
        lambda o, n: None if o.state == "draft" else f"{o.scheme.code.upper()}-2026-{n + 9000:04d}"
    )
    state = "draft"

    @factory.post_generation
    def evidence(obj, create, extracted, **kwargs):
        if create and extracted:
            from applications.models import Evidence

            for criterion in obj.criteria_set.criteria.all():
                Evidence.objects.create(
                    application=obj, criterion=criterion, narrative=f"Evidence for {criterion.code}."
                )
