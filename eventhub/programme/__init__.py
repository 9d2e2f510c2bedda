"""The programme: events, networks, sessions, working groups, memberships and programme files."""
