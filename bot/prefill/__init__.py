"""Prefilled applications (申请预填表): applicant fields and their checks, the DOCX + JSON, the download store and
channel. See docs/prefill.md.

The actions call:
    create_application(profile, applicant, item_ids=None) -> Application
    candidates(profile) -> {"eligible": [...], "to_confirm": [...]}
    validate_field(key, raw, known) / read_answer(text, requested, known) / missing_fields(applicant, profile)
    mask_id / mask_phone, and logmask.install() once per process.
"""

from .applicant import FIELDS, ApplicantError, known_values, missing_fields, next_question, validate_field  # noqa: F401
from .application import Application, NothingToApply, candidates, create_application  # noqa: F401
from .extract import correction_target, extract_fields, read_answer  # noqa: F401
from .logmask import PersonalDataFilter  # noqa: F401
from .logmask import install as install_log_masking  # noqa: F401
from .validate import InvalidValue, check_id, check_phone, mask_id, mask_phone, mask_text  # noqa: F401
