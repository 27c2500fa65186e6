"""What a council member is expert in: their profile (sectors and priority items of Plan 1821, keywords, the most
applications they review per council, the organizations they worked for), the affinity of a member for an
application and the conflicts their history makes, and the exact choice of reviewers (phản biện) over it."""
