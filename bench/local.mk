# bench: see its README section
