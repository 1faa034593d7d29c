"""Sharing with the Government: the indicators data packet per period."""
