"""Reference tables kantong owns (shipped inside the installed package as ``kantong.data``)."""
