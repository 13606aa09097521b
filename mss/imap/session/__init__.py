"""One client connection from greeting to LOGOUT: the server, the session loop, its
state, dispatch, and the commands valid in any state or before login."""
