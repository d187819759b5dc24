# English dates as the centre writes them: "4 August 2020" (Django's default is "Aug. 4, 2020").
DATE_FORMAT = "j F Y"
YEAR_MONTH_FORMAT = "F Y"
