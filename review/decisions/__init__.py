"""Decisions approving support: drafted by staff for each recommended application, approved or not by a leader
within the call's budget envelope, then released to the applicants all together."""
