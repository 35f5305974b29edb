# answer: see its README section
