"""English time formats: "11:52 PM" instead of Django's "11:52 p.m.", whose own full stop doubled
the one closing a sentence ("The link works until 11:52 p.m.."). Everything else is Django's."""

TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "N j, Y, g:i A"
SHORT_DATETIME_FORMAT = "m/d/Y g:i A"
