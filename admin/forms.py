"""Administration forms that are not owned by a domain package."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, StringField, TextAreaField

from core.forms import VersionedForm, email_address, max_length, optional, required


class SettingsForm(VersionedForm):
    """The agency's names and letterhead lines."""

    agency_name = StringField(_l("Agency name (Vietnamese)"), [required(), max_length(255)])
    agency_name_en = StringField(_l("Agency name (English)"), [required(), max_length(255)])
    province_name = StringField(_l("Province (Vietnamese)"), [required(), max_length(128)])
    province_name_en = StringField(_l("Province (English)"), [required(), max_length(128)])
    letterhead_authority = StringField(
        _l("Letterhead, first line (governing authority)"), [required(), max_length(255)]
    )
    letterhead_agency = StringField(_l("Letterhead, second line (agency)"), [required(), max_length(255)])
    document_suffix = StringField(
        _l("Document number suffix (e.g. SKHCN in 123/QĐ-SKHCN)"), [required(), max_length(32)]
    )
    signer_title = TextAreaField(
        _l("Title above the signature of decisions and contracts (a line each, e.g. KT. GIÁM ĐỐC, PHÓ GIÁM ĐỐC)"),
        [required(), max_length(128)],
        render_kw={"rows": 2},
    )
    signer_name = StringField(
        _l("Name printed under that signature when a document names no signer of its own"),
        [optional(), max_length(255)],
    )
    address = StringField(_l("Address"), [optional(), max_length(255)])
    phone = StringField(_l("Phone"), [optional(), max_length(64)])
    email = EmailField(_l("Email"), [optional(), email_address(), max_length(255)])
    two_factor_for_reviewers = BooleanField(
        _l("Council members too must log in with a code from an authenticator app (the department's roles always do)")
    )

    def to_data(self) -> dict:
        """The settings' fields, trimmed."""
        return {"two_factor_for_reviewers": self.two_factor_for_reviewers.data} | {
            name: (self[name].data or "").strip()
            for name in (
                "agency_name",
                "agency_name_en",
                "province_name",
                "province_name_en",
                "letterhead_authority",
                "letterhead_agency",
                "document_suffix",
                "signer_title",
                "signer_name",
                "address",
                "phone",
                "email",
            )
        }
