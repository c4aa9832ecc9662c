from test_i18n_catalogue import *  # noqa

def test_dump(app, data_names, catalogue_patterns):
    for page in ["knowledge", "settings", "client"]:
        at = run_page(page, "fr")
        texts = list(ui_texts(at))
        print(page, len(texts))
        for where, text in texts:
            text = plain(text or "")
            if text:
                print("  ", where, "|", text[:90], "| data" if is_data(text, data_names, "fr") else "")
