"""Upload: template download, file check with a per-cell report, confirmation, receipt and history."""

from ioc import ui

ui.require_frame()

import streamlit as st  # noqa: E402

from ioc import ui_cache  # noqa: E402
from ioc import ui_upload as upload  # noqa: E402
from ioc.i18n import format_period  # noqa: E402
from ioc.labels import t  # noqa: E402

ctx = ui.context()
lang = ctx.lang
with ui.guarded(lang):
    ui.page_header(t("upload.title", lang), ctx)
    departments = ctx.config.registry.departments
    names = dict(zip(departments["id"], departments["name_vi" if lang == "vi" else "name_en"], strict=True))
    c1, c2 = st.columns(2)
    dept = c1.selectbox(t("upload.department", lang), list(names), format_func=names.get, key="up_dept")
    periods = upload.open_periods(ctx.as_of)
    period = c2.selectbox(
        t("upload.period", lang), periods, format_func=lambda p: format_period(p, lang), key="up_period"
    )

    template = upload.template_bytes(ctx.config, ctx.observations(), dept, period)
    st.download_button(
        t("upload.template", lang),
        template,
        file_name=f"bieu-mau_{dept}_{period}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
    )

    nonce = st.session_state.setdefault("up_nonce", 0)
    file = st.file_uploader(t("upload.file", lang), type=["xlsx", "xls"], key=f"up_file_{nonce}")
    if file is not None:
        engine, data_dir = ui_cache.db(), ui_cache.settings().data_dir
        check = upload.check(
            file.getvalue(), file.name, ctx.config, engine, data_dir, department=dept, period=period, who=dept
        )
        if check.status == "dry-run" and st.button(t("upload.confirm", lang), type="primary"):
            receipt = upload.commit(
                file.getvalue(),
                file.name,
                ctx.config,
                engine,
                data_dir,
                department=dept,
                period=period,
                who=dept,
            )
            st.session_state["up_nonce"] = nonce + 1  # the next run shows an empty uploader
            upload.show_report(receipt, lang)
        else:
            upload.show_report(check, lang)

    st.subheader(t("upload.history", lang))
    upload.show_history(ui_cache.submissions(ui_cache.revision(), dept), lang)

    if ui_cache.settings().admin_upload:
        st.divider()
        st.subheader(t("upload.admin", lang))
        exports = {e.id: e.name or e.id for e in ctx.config.targets.exports}
        export_id = st.selectbox(
            t("upload.export_kind", lang), list(exports), format_func=exports.get, key="adm_export"
        )
        adm_nonce = st.session_state.setdefault("adm_nonce", 0)
        export_file = st.file_uploader(
            t("upload.export_file", lang), type=upload.ADMIN_UPLOAD_TYPES, key=f"adm_file_{adm_nonce}"
        )
        if export_file is not None and st.button(t("upload.ingest", lang), type="primary"):
            with st.spinner(t("upload.ingest", lang)):
                report = upload.commit_export(
                    export_file.getvalue(),
                    export_file.name,
                    ctx.config,
                    ui_cache.db(),
                    ui_cache.settings().data_dir,
                    export_id=export_id,
                    who="admin",
                )
            st.session_state["adm_nonce"] = adm_nonce + 1
            upload.show_report(report, lang)
