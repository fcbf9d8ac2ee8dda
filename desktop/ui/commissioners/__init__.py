"""科技特派员 screen: roster, demands with suggestions, dispatches, services, grades, coverage."""
