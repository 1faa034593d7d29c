"""The portal's routes, one module per audience; each route is registered with its permission
(``web.security.guarded``) and only parses, calls the core and renders."""
