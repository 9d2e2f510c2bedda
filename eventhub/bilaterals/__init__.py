"""Bilateral meetings: windows in the programme, requests between participants, bookings."""
