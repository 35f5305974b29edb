# shim: see its README section
