import streamlit as st

from okam_analytics.ui.text import t

st.title(t("nav.escalations"))
st.info(t("ui.coming_soon"))
