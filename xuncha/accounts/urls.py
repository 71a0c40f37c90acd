from django.urls import path

from xuncha.accounts import views, views_auth

app_name = "accounts"
urlpatterns = [
    path("login/", views_auth.login_view, name="login"),
    path("logout/", views_auth.logout_view, name="logout"),
    path("password/change/", views_auth.password_change_view, name="password_change"),
    path("otp/verify/", views_auth.otp_verify_view, name="otp_verify"),
    path("otp/setup/", views_auth.otp_setup_view, name="otp_setup"),
    path("profile/", views.profile, name="profile"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views.users, name="users"),
    path("users/add/", views.user_create, name="user_create"),
    path("users/<int:user_id>/", views.user_detail, name="user"),
    path("users/<int:user_id>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:user_id>/password/", views.user_reset_password, name="user_password"),
    path("users/<int:user_id>/roles/add/", views.role_assign, name="role_assign"),
    path("assignments/<int:assignment_id>/revoke/", views.role_revoke, name="role_revoke"),
    path("roles/", views.roles, name="roles"),
    path("roles/new/", views.role_create, name="role_create"),
    path("roles/<int:role_id>/", views.role_detail, name="role"),
    path("roles/<int:role_id>/permissions/", views.role_permissions, name="role_permissions"),
    path("policy/", views.policy, name="policy"),
]
