{
    "name": "Club Session Log-Off",
    "summary": "Log off fitness-club bookings as completed or no-show, "
    "by staff, at a check-in kiosk or automatically",
    "version": "18.0.1.0.0",
    "category": "Services",
    "website": "https://github.com/club-session-logoff/club_session_logoff",
    "author": "Club Session Log-Off developers",
    "license": "LGPL-3",
    "application": True,
    "depends": ["mail", "point_of_sale"],
    "data": [
        "security/club_security.xml",
        "security/ir.model.access.csv",
        "security/club_record_rules.xml",
        "data/ir_sequence_data.xml",
        "views/club_offering_views.xml",
        "views/club_session_credit_views.xml",
        "views/club_checkin_views.xml",
        "wizard/club_booking_log_wizard_views.xml",
        "views/club_booking_views.xml",
        "views/res_partner_views.xml",
        "views/product_template_views.xml",
        "views/res_company_views.xml",
        "views/res_config_settings_views.xml",
        "views/pos_order_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/club_demo.xml",
        "demo/pos_demo.xml",
    ],
    "assets": {
        "point_of_sale._assets_pos": [
            "club_session_logoff/static/src/pos/**/*",
        ],
        "web.assets_tests": [
            "club_session_logoff/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
