"""Emulation and commendation (thi đua khen thưởng): members and teams ranked per period, and
the trainings members attend. See docs/emulation.md."""
