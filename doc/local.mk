# doc: see its README section
