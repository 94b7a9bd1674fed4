"""Administration: users, branches and assignments, approval authority, audit log, policy."""
