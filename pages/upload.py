"""Upload: sign in, template download, file check with a per-cell report, the resubmission diff,
confirmation, receipt, history with withdraw and restore; the administrator's export upload."""

from ioc import ui

ui.require_frame()

import streamlit as st  # noqa: E402

from ioc import ui_auth, ui_cache  # noqa: E402
from ioc import ui_upload as upload  # noqa: E402
from ioc import upload_view as view  # noqa: E402
from ioc.labels import t  # noqa: E402
from ioc.period_labels import format_period  # noqa: E402

ctx = ui.context()
lang = ctx.lang
with ui.guarded(lang):
    ui.page_header(t("upload.title", lang), ctx)
    user = ui_auth.sign_in_form(lang)
    if user is None:
        st.info(t("auth.required", lang))
        st.stop()
    if user.role == "viewer":
        st.warning(t("auth.viewer_only", lang))
        st.stop()
    engine, settings = ui_cache.db(), ui_cache.settings()
    departments = ctx.config.registry.departments
    names = dict(zip(departments["id"], departments["name_vi" if lang == "vi" else "name_en"], strict=True))
    allowed = [d for d in names if user.can_write(d)]
    c1, c2 = st.columns(2)
    dept = c1.selectbox(
        t("upload.department", lang),
        allowed,
        format_func=names.get,
        key="up_dept",
        disabled=len(allowed) == 1,
    )
    periods = view.open_periods(ctx.today)
    period = c2.selectbox(
        t("upload.period", lang), periods, format_func=lambda p: format_period(p, lang), key="up_period"
    )
    c2.caption(view.due_caption(ctx.today, ctx.config.targets.reporting.deadline_day, lang))

    template = upload.template_bytes(ctx.config, ctx.observations(), dept, period)
    st.download_button(
        t("upload.template", lang),
        template,
        file_name=f"bieu-mau_{dept}_{period}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
    )

    nonce = st.session_state.setdefault("up_nonce", 0)
    file = upload.file_uploader(t("upload.file", lang), lang, types=["xlsx", "xls"], key=f"up_file_{nonce}")
    if done := st.session_state.pop("_up_receipt", None):
        receipt, data = done
        upload.show_report(receipt, lang, data, admin=user.is_admin)
        upload.show_receipt(receipt, lang, ctx.timezone, user)
    if file is not None:
        data = file.getvalue()
        check = upload.check(
            data, file.name, ctx.config, engine, settings.data_dir, department=dept, period=period, actor=user
        )
        if check.status == "dry-run":
            upload.show_resubmission(upload.resubmission(engine, check, dept), lang, ctx.timezone, ctx.config)
        if check.status == "dry-run" and st.button(t("upload.confirm", lang), type="primary"):
            receipt = upload.commit(
                data,
                file.name,
                ctx.config,
                engine,
                settings.data_dir,
                department=dept,
                period=period,
                actor=user,
            )
            st.session_state["up_nonce"] = nonce + 1  # the next run shows an empty uploader
            upload.forget_history_pick()
            st.session_state["_up_receipt"] = (receipt, data)
            st.rerun()
        upload.show_report(check, lang, data, admin=user.is_admin)

    st.subheader(t("upload.history", lang))
    if message := st.session_state.pop("_hist_done", None):
        st.success(message)
    rows = upload.show_history(ui_cache.submissions(ui_cache.revision(), dept), lang, ctx.timezone)
    upload.history_actions(rows, lang, engine, user)

    if user.is_admin:
        st.divider()
        st.subheader(t("upload.admin", lang))
        exports = {e.id: e.name or e.id for e in ctx.config.targets.exports}
        export_id = st.selectbox(
            t("upload.export_kind", lang), list(exports), format_func=exports.get, key="adm_export"
        )
        adm_nonce = st.session_state.setdefault("adm_nonce", 0)
        export_file = upload.file_uploader(
            t("upload.export_file", lang), lang, types=upload.ADMIN_UPLOAD_TYPES, key=f"adm_file_{adm_nonce}"
        )
        if export_file is not None and st.button(t("upload.ingest", lang), type="primary"):
            with st.spinner(t("upload.ingest", lang)):
                report = upload.commit_export(
                    export_file.getvalue(),
                    export_file.name,
                    ctx.config,
                    engine,
                    settings.data_dir,
                    export_id=export_id,
                    actor=user,
                )
            st.session_state["adm_nonce"] = adm_nonce + 1
            upload.show_report(report, lang, admin=True)
