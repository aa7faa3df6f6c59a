from allauth.account.forms import LoginForm


class NewsroomLoginForm(LoginForm):
    """allauth's sign-in form, its first field labelled for what it takes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or e-mail"
