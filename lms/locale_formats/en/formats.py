# English keeps Django's dates ("Dec. 6, 2026") with a 24-hour clock, as every other
# language of the site writes it: "Dec. 6, 2026, 14:30" rather than "2:30 p.m.", whose
# closing full stop doubled at the end of a sentence ("… at 2:30 p.m..").
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "N j, Y, H:i"
SHORT_DATETIME_FORMAT = "m/d/Y H:i"
