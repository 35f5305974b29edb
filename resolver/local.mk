# resolver: see its README section
