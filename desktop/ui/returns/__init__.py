"""统计报表: pick a return and a period, preview the real PDF, print, export and submit (报出)."""
