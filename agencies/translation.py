from modeltranslation.translator import TranslationOptions, register

from .models import Appointment, CriteriaSet, Criterion, Industry, Organisation, RecognisedQualification, Scheme


@register(Industry)
class IndustryTR(TranslationOptions):
    fields = ("name",)


@register(Scheme)
class SchemeTR(TranslationOptions):
    fields = ("name", "description")


@register(CriteriaSet)
class CriteriaSetTR(TranslationOptions):
    fields = ("title",)


@register(Criterion)
class CriterionTR(TranslationOptions):
    fields = ("title", "guidance", "descriptor_0", "descriptor_1", "descriptor_2", "descriptor_3", "descriptor_4")


@register(Organisation)
class OrganisationTR(TranslationOptions):
    fields = ("name", "address")


@register(Appointment)
class AppointmentTR(TranslationOptions):
    fields = ("conditions",)


@register(RecognisedQualification)
class RecognisedQualificationTR(TranslationOptions):
    fields = ("title",)
