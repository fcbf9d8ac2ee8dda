"""孵化载体: carriers, incubatees, yearly data, graduation and recognition checks."""
