"""The expertise pages: a member keeps their own profile; staff list the experts and keep anyone's."""

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.decorators import role_required
from accounts.models import MANAGERS, REVIEWERS, User
from core.edge import finish, run_form
from core.extensions import db
from core.forms import check_version
from core.paging import page_number
from policies.services import sectors_with_items
from review import bp
from review.experts import queries, services
from review.experts.forms import ExpertProfileForm
from review.experts.models import ExpertProfile


@bp.route("/review/expertise", methods=["GET", "POST"])
@role_required(*REVIEWERS)
def my_expertise():
    """The member's own expertise, used to propose them as reviewer (phản biện) of the applications they know."""
    return _profile_form(current_user.id, url_for("review.my_expertise"))


@bp.route("/staff/experts")
@role_required(*MANAGERS)
def experts():
    """The people who may sit on councils, with what they are expert in."""
    query = (request.args.get("q") or "").strip()[:100]
    page = queries.experts_page(query, page_number(), current_app.config["PAGE_SIZE"])
    profiles = queries.profiles_of([user.id for user in page.items])
    return render_template("review/experts.html", page=page, profiles=profiles, query=query)


@bp.route("/staff/experts/<int:user_id>", methods=["GET", "POST"])
@role_required(*MANAGERS)
def expert_profile(user_id: int):
    """Staff keep an expert's profile."""
    return _profile_form(user_id, url_for("review.experts"))


def _records(user_id: int) -> tuple[User, ExpertProfile | None]:
    """The expert and their profile; 404 for someone who may not sit on councils."""
    expert = db.get_or_404(User, user_id)
    if not ExpertProfile.can_edit(current_user, expert):
        abort(404)
    return expert, queries.load_profile(user_id)


def _profile_form(user_id: int, back: str):
    """The profile form of one expert, by the expert or by staff."""
    expert, profile = _records(user_id)
    form = ExpertProfileForm()
    if request.method == "GET":
        form.fill(profile)

    def save() -> ExpertProfile:
        if profile is not None:
            check_version(profile, form, _("This profile was changed meanwhile: check it and save again."))
        return services.save_profile(expert, profile, form.to_data(), current_user)

    return run_form(
        form,
        save,
        page=lambda shown: render_template(
            "review/expertise.html", form=form, expert=shown[0], sectors=sectors_with_items(), back=back
        ),
        done=lambda _saved: finish(_("The expertise was saved."), back),
        records=(expert, profile),
        reload=lambda: _records(user_id),
    )
