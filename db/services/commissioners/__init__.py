"""Science and technology commissioners (科技特派员): roster, demands, dispatches, services, grades.

Modules: roster (the commissioners), demands (需求库), dispatches (选派结对), records (服务记录),
assessments (年度考核 and year summaries), suggest (推荐特派员), coverage (覆盖情况).
"""
