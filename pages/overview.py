import streamlit as st

from okam_analytics.ui.text import t

st.title(t("nav.overview"))
st.info(t("ui.coming_soon"))
