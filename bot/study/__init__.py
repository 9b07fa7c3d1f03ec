"""Study the report: quiz questions and chart data built from the content pack. No Telegram imports."""
